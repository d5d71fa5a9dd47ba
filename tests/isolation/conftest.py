"""The isolation suite: one module per surface, each proving that workspace A's credentials,
tokens and hosts reach nothing of workspace B. Fixtures of the surfaces' own suites are shared."""

from tests.records.conftest import api, api_b

__all__ = ["api", "api_b"]
