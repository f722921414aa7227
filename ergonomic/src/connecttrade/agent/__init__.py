"""Guard rails for trading agents: levels, policy, audit log, alerts, reports, MCP server."""
