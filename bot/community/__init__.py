"""What keeps a group alive: teams of two, nudges, drift, RSVPs, digests."""
