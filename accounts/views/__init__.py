"""Account pages: thin views that parse, call a selector or service, and render."""
