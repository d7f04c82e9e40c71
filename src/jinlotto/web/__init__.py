"""The page at ``/``: a Jinja2 shell (``templates/``), its text in Korean and English
(``messages/``) and the small ES modules, stylesheet and icons it loads (``static/``); no build
step."""
