"""The clinical events, one function each, used alike by the web pages, the JSON API and the
command line: save a plan version, copy a plan, import and export a plan file, record, sign,
discard and amend a session, schedule a cycle, create a patient.

A service takes what its caller has read and checked (a plan document, a parsed form, the
acting user) and does the event whole: the change, its audit event and the commit, or nothing.
It knows no request, no page and no language: a refusal is an exception of ``refusals``, which
each caller words its own way (a flashed message, a JSON error, a line on the terminal). It
needs only an application context (the database), so the tests call it without a request.

The one rule for a plan that a signed session used: it stays as it was signed. Saving changes
to it, from the editor or the API, makes a new plan copied from it (``copied_from``), and the
cycles that followed it follow the new plan (``plans.save_plan``).
"""
