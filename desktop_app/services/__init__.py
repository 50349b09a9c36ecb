"""Services: one public call = one transaction, with the acting user audited inside it.

They return plain dataclasses, never live ORM objects, and raise
``desktop_app.core.errors`` types with Chinese messages.
"""
