"""The workbench: a Telegram Mini App (and a browser page for staff) served by the bot's own
process. It renders what services/workbench.py computes; it reads no table itself."""
