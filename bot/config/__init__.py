"""The admin's YAML config, validated into typed, frozen objects."""
