"""The web app's pages and JSON API.

Blueprints (one per group of pages) are thin: they read the request, call the service layer
(``planner.services``: one function per clinical event) or the core, and render. A blueprint
never imports another blueprint; what several share lives in a helper module here (lookups,
editor, record pages, forms, words) or in the services. ``blueprints.register`` attaches them.
"""
