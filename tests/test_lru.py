from crm.lru import LRU


def test_least_recently_used_goes_first_and_size_bounds() -> None:
    cache: LRU[str, int] = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("c", 3)
    assert cache.get("b") is None
    assert [k for k, _ in cache.items()] == ["a", "c"]
    assert len(cache) == 2
    cache.clear()
    assert len(cache) == 0


def test_size_zero_keeps_nothing() -> None:
    cache: LRU[str, int] = LRU(0)
    cache.put("a", 1)
    assert cache.get("a") is None and len(cache) == 0
