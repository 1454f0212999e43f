"""/companies and /plan: the company registry in chat (register, find, card) and 一企一策 follow-up."""
