"""The Neo4j store: the shared, production home of the graph, behind the same interface as the embedded one.

Data model (derived from ``orggraph/schema.yaml``):

* every node is ``(:Node:<Label> {id, ...properties})``: one uniqueness constraint on ``:Node(id)``
  makes ids unique across labels, as they are in the embedded store, and is the lookup index for
  every merge; the schema label is the second label, so Cypher users can write ``(:Practice)``;
* every relationship is ``-[:<TYPE> {...properties, _key}]->`` where ``_key`` is the start date its
  file gave (``valid_from``, or ``clipped_from`` on a clipped snapshot link: see
  :func:`orggraph.models.identity_start`) or ``""``: the identity of :attr:`orggraph.models.Rel.key`
  (MERGE cannot match on a missing property, hence the explicit key);
* dates stay ISO ``yyyy-mm-dd`` strings: they compare and range-index correctly as strings and come
  back byte for byte (Cypher users can still write ``date(r.valid_from)``);
* ``_search`` / ``_sid`` hold the folded name and id (:func:`orggraph.query.normalise_text`) behind a
  text index, so search is an index lookup and scores exactly as the embedded store does;
* one ``(:OrggraphMeta {id: 'orggraph', version})`` node counts committed writes. Every write
  transaction bumps it first, which takes its write lock (writers queue, as the embedded store's file
  lock makes them) and tells readers when their cached :meth:`graph` snapshot is stale.

Properties whose names start with ``_`` belong to the store and never appear in :meth:`graph`.

A write reads the nodes and relationships the records touch, replays the records on a small
:class:`OrgGraph` with :meth:`OrgGraph.apply` (so merge, stub, label and endpoint rules are the
embedded store's own code, not a re-implementation) and writes back only what changed, with batched
``UNWIND ... MERGE`` statements inside one transaction: a file is all-or-nothing.

The package: :mod:`~orggraph.stores.neo4j.store` (the :class:`Neo4jStore`: connection, retries, the
change counter, the cached snapshot), :mod:`~orggraph.stores.neo4j.cypher` (every statement and the
schema's constraints and indexes) and :mod:`~orggraph.stores.neo4j.projection` (Neo4j rows to an
:class:`OrgGraph` and a write's changes back to rows).
"""

from orggraph.stores.neo4j.cypher import schema_statements
from orggraph.stores.neo4j.store import Neo4jStore

__all__ = ["Neo4jStore", "schema_statements"]
