"""Real-time chat: rooms, direct conversations, presence, and the Socket.IO events that carry them."""
