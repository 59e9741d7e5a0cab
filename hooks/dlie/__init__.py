"""dl-interview-explained's build package: the pure functions behind the MkDocs hooks in
``hooks/`` (glossary, page schema, concept index, study plan, formula and figure rendering,
build caches, languages and markup contracts), and the tools, tests and benchmark that use them.
"""
