"""The Slack adapter: /debate, Block Kit steps in channel threads, over Socket Mode or HTTP.

``app.build_app`` wires everything; ``entry.run`` is what ``rebuttal run slack`` calls.
"""
