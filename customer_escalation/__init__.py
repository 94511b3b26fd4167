"""customer-escalation: turn a support issue into an escalation brief someone can act on.

Subpackages: `connectors` (records, protocols, the local workspace and vendor clients), `skill`
(policy, brief, MCP server, agent loop, command line), `prompts` (templates and prompt text) and
`evals` (scenarios and graders).
"""

__version__ = "0.1.0"
