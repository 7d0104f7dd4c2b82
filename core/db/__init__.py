"""Storage: the only package with SQL. Tables, engines, transactions, migrations and the queries."""
