"""Moving an office onto a database server (``migrate``) and the server settings a clerk edits (``settings``).

Above the capabilities: the copy rebuilds the ledger's text index. The connection itself is the core's
(``desktop_app.core.server_db``), as every open of a data folder may need it."""
