"""The notification centre: every service tells people through ``services.notification_send``.

It writes the in-app notifications (the bell and its page) and decides, per recipient, whether
and when an e-mail goes: at once, in the daily digest or never (the person's choice per kind),
never during their quiet hours (« pause numérique »), from the beat task in ``tasks.py``.
"""
