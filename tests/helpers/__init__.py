"""What the tests share: data builders, fixtures' data, child-process runners, the PostgreSQL plugin.

Tests import from here (``from tests.helpers.sync_support import send``), never from another test module
or a conftest: pytest imports each test module once under its own name, and a second import under
another name would run its module code twice and split its globals in two.
"""
