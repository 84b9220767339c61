# SPDX-License-Identifier: GPL-2.0
#
# Sphinx configuration for minivm's Documentation/: plain reStructuredText,
# no extensions, so that Debian's python3-sphinx builds it as it is
# (scripts/style-check.sh builds it with -W: any warning fails the gate).
project = 'minivm'
copyright = 'the minivm authors'
master_doc = 'index'
exclude_patterns = []
html_theme = 'alabaster'
