"""Counting the round trips this process makes to Redis, on the real server.

Every Redis client in Moments (Django's cache, Celery's broker through kombu) talks through
redis-py, and redis-py sends each command, or each pipeline of commands, with one call of
`send_packed_command` on a connection. Wrapping that method counts round trips while the
real command still goes to the real Redis and its real answer comes back.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from redis.connection import AbstractConnection


@contextmanager
def counting_redis_round_trips() -> Iterator[list[bytes]]:
    """Yields a list that gets the packed command of each round trip made meanwhile."""
    sent: list[bytes] = []
    real = AbstractConnection.send_packed_command

    def send_packed_command(self, command, check_health=True):
        sent.append(command)
        return real(self, command, check_health)

    AbstractConnection.send_packed_command = send_packed_command
    try:
        yield sent
    finally:
        AbstractConnection.send_packed_command = real
