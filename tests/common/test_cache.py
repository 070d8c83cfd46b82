import threading

from portal.common.cache import BoundedCache


def test_a_value_is_made_once_and_then_kept():
    cache, made = BoundedCache(max_entries=10), []

    def make():
        made.append(1)
        return "page"

    assert cache.get_or_make("key", make) == "page"
    assert cache.get_or_make("key", make) == "page"
    assert len(made) == 1


def test_it_keeps_only_the_most_recently_used_entries():
    cache = BoundedCache(max_entries=2)
    cache.get_or_make("a", lambda: 1)
    cache.get_or_make("b", lambda: 2)
    cache.get_or_make("a", lambda: 99)  # "a" used again, so "b" is now the oldest
    cache.get_or_make("c", lambda: 3)
    assert len(cache) == 2
    assert cache.get_or_make("a", lambda: 99) == 1
    assert cache.get_or_make("b", lambda: 20) == 20  # was dropped, so made again


def test_threads_can_share_it():
    cache = BoundedCache(max_entries=50)

    def work(offset: int):
        for number in range(2000):
            key = (number + offset) % 80
            assert cache.get_or_make(key, lambda key=key: key * 2) == key * 2

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cache) == 50
