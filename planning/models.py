"""The seven-step account plan and consensus meetings (see the issue "The seven-step account plan")."""
