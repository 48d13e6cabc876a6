"""Settings for the public build: pelicanconf.py plus the public address."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403 - Pelican's convention for publishconf.py

SITEURL = os.environ.get("SITEURL", "")
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
# /changes/ lists the watch's findings since the last publish: this build marks them published.
SIMARCHIVE_MARK_PUBLISH = True
