"""The election domain: regions, contests, forms, rules, statements, authorization.

Pure code: imports neither a web framework nor a database driver.
"""
