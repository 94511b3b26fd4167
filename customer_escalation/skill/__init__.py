"""The skill: escalation policy, brief, MCP server, agent loop and command line."""
