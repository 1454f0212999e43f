"""aiogram routers per audience; thin: parse, call a service, render a reply."""
