"""tk-advisor: a bilingual, sourced decision assistant for TikTok Shop sellers."""

__version__ = "0.1.0"
