"""Lokala operativa samverkansforum: per district, the forum of school, social
services and police, its meetings with a lägesbild of aggregates, and the
district's collaboration agreements (överenskommelser)."""
