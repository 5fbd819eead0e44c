from celery import shared_task


@shared_task
def payouts_on_their_way_task(run_id, method):
    """After a run's payment file is exported: tell each student paid by ``method`` (once each)."""
    from .payouts.services import payouts_tell_on_their_way

    return payouts_tell_on_their_way(run_id=run_id, method=method)


@shared_task
def payouts_on_their_way_sweep_task():
    """Exported runs whose students were not all told (the job was never queued, or died)."""
    from .payouts.services import payouts_on_their_way_sweep

    return payouts_on_their_way_sweep()
