"""The shared kit with no domain: the API base, enqueue and the broker check, renderers, languages.

`core` imports no other app of the project; every app may import it.
"""
