from celery import shared_task

from .services import projects_close_expired, saved_search_digests


@shared_task
def close_expired_projects():
    return projects_close_expired()


@shared_task
def send_saved_search_digests():
    return saved_search_digests()
