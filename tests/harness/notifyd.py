#!/usr/bin/python3
"""A stand-in desktop notification server (org.freedesktop.Notifications) for the tests.

Run with the system python (python3-dbus, python3-gi) on a private session bus:
``/usr/bin/python3 tests/harness/notifyd.py LOG``. It owns the well-known name, writes one
JSON line per Notify call to LOG, and prints "ready" once the name is owned.
"""

import json
import sys

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

IFACE = "org.freedesktop.Notifications"


class Server(dbus.service.Object):
    def __init__(self, bus, log_path):
        super().__init__(bus, "/org/freedesktop/Notifications")
        self.log_path = log_path
        self.count = 0

    @dbus.service.method(IFACE, in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app_name, replaces_id, icon, summary, body, actions, hints, expire_ms):
        self.count += 1
        line = {"app": str(app_name), "summary": str(summary), "body": str(body), "expire_ms": int(expire_ms)}
        with open(self.log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")
        return dbus.UInt32(self.count)

    @dbus.service.method(IFACE, out_signature="as")
    def GetCapabilities(self):
        return ["body"]

    @dbus.service.method(IFACE, out_signature="ssss")
    def GetServerInformation(self):
        return ("cockpit-test-notifyd", "cockpit", "1", "1.2")

    @dbus.service.method(IFACE, in_signature="u")
    def CloseNotification(self, notification_id):
        return None


def main():
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    name = dbus.service.BusName(IFACE, bus)  # noqa: F841 - keeps the name owned
    Server(bus, sys.argv[1])
    print("ready", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
