"""Accounts: users, roles, units and API tokens, shared by pages, API and CLI."""
