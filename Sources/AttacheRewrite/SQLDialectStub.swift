// TEMPORARY until the SQL script writer lands (helper R2).
public enum SQLDialect: String, Sendable, CaseIterable { case sqlite, mysql, postgresql }
