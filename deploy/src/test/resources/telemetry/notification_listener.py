#!/usr/bin/env python3
"""A real oslo.messaging notification consumer, as Ceilometer runs one.

Usage: notification_listener.py TRANSPORT_URL EXCHANGE OUTPUT_FILE
Listens on topic "notifications" of EXCHANGE (durable queues, as Ember declares them) and appends every
notification it is given as one JSON line {"ctxt", "publisher_id", "event_type", "priority", "payload",
"metadata"} to OUTPUT_FILE. Prints "listening" once the listener is started. Runs until killed.
"""
import json
import sys
import time

from oslo_config import cfg
import oslo_messaging


def main():
    url, exchange, output = sys.argv[1:4]
    conf = cfg.ConfigOpts()
    conf([], project="ember-test")
    transport = oslo_messaging.get_notification_transport(conf, url=url)
    conf.set_override("amqp_durable_queues", True, group="oslo_messaging_rabbit")
    out = open(output, "a", buffering=1)

    class Endpoint(object):
        def _record(self, priority, ctxt, publisher_id, event_type, payload, metadata):
            out.write(json.dumps({"ctxt": ctxt, "publisher_id": publisher_id, "event_type": event_type,
                                  "priority": priority, "payload": payload, "metadata": metadata}) + "\n")

        def info(self, ctxt, publisher_id, event_type, payload, metadata):
            self._record("INFO", ctxt, publisher_id, event_type, payload, metadata)

        def error(self, ctxt, publisher_id, event_type, payload, metadata):
            self._record("ERROR", ctxt, publisher_id, event_type, payload, metadata)

    targets = [oslo_messaging.Target(topic="notifications", exchange=exchange)]
    listener = oslo_messaging.get_notification_listener(transport, targets, [Endpoint()], executor="threading")
    listener.start()
    print("listening", flush=True)
    try:
        while True:
            time.sleep(1)
    finally:
        listener.stop()
        listener.wait()


if __name__ == "__main__":
    main()
