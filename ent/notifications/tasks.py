from celery import shared_task


@shared_task(acks_late=True)
def notifications_email_task():
    """Beat, and each send with e-mails due at once: the due e-mails, in batches. Two runs at
    once share the work (rows are claimed); a run killed midway sends nothing twice."""
    from .services import notifications_email_send_due

    notifications_email_send_due()
