complete --keep-order --exclusive --command yap --arguments "(COMPLETE=fish yap -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
