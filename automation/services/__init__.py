"""Services: open the workspace, run one use case over store, sources and senders."""
