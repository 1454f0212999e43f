"""Use cases with no Telegram in them: plain data in, plain data out.

Services never commit: the caller owns the transaction (the update middleware in
the bot, `unit_of_work` on the command line), so an update's writes and its
processed-update record land together or not at all.
"""
