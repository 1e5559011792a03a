"""Reading YAML files with line numbers, and problems located in them."""
