"""The embedded broker never hands a worker a message that is still being written."""

import builtins
from queue import Empty

import pytest
from kombu import Connection


@pytest.fixture
def channels(tmp_path):
    options = {
        "data_folder_in": str(tmp_path),
        "data_folder_out": str(tmp_path),
        "control_folder": str(tmp_path),
        "store_processed": False,
    }
    with Connection("filesystem://", transport_options=options) as producer, Connection(
        "filesystem://", transport_options=options
    ) as consumer:
        yield producer.default_channel, consumer.default_channel


def test_the_app_uses_the_whole_message_transport():
    from core.broker import Channel
    from kam.celery import app

    with app.connection_for_write("filesystem://") as conn:
        assert isinstance(conn.default_channel, Channel)


def test_a_message_sent_before_any_worker_ran_makes_the_folders(tmp_path):
    """`make run` seeds the demo (which queues PDFs) before its worker has made the broker's folders."""
    folder = tmp_path / "var" / "celery" / "broker"
    control = tmp_path / "var" / "celery" / "control"
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder), "control_folder": str(control)}
    with Connection("filesystem://", transport_options=options) as conn:
        conn.default_channel._put("celery", {"body": "x"})
        assert [p.suffix for p in folder.iterdir()] == [".msg"]
    assert control.is_dir()


def test_a_worker_polling_while_a_message_is_written_sees_nothing_then_the_whole_message(channels, monkeypatch):
    producer, consumer = channels
    seen_while_writing = []
    real_open = builtins.open

    class PollingOnWrite:
        """A file whose every write first lets the worker poll the folder, as a second process could."""

        def __init__(self, f):
            self.f = f

        def write(self, data):
            try:
                seen_while_writing.append(consumer._get("celery"))
            except Empty:
                seen_while_writing.append(None)
            return self.f.write(data)

        def __getattr__(self, name):
            return getattr(self.f, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.f.__exit__(*exc)

    def open_polling(file, mode="r", *args, **kwargs):
        f = real_open(file, mode, *args, **kwargs)
        return PollingOnWrite(f) if "w" in mode else f

    monkeypatch.setattr(builtins, "open", open_polling)
    producer._put("celery", {"task": "accounts.tasks.refresh_account_revenue"})
    monkeypatch.setattr(builtins, "open", real_open)

    assert seen_while_writing == [None]
    assert consumer._get("celery") == {"task": "accounts.tasks.refresh_account_revenue"}
    with pytest.raises(Empty):
        consumer._get("celery")


def test_each_queue_gets_its_own_messages(channels):
    producer, consumer = channels
    for number in range(3):
        producer._put("celery", {"n": number})
    producer._put("other", {"n": "other"})

    assert sorted(consumer._get("celery")["n"] for _ in range(3)) == [0, 1, 2]
    assert consumer._get("other") == {"n": "other"}
