"""The static page served at ``/`` (plain HTML and a small script, no build step)."""
