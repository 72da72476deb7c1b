"""Route access policies: which roles may call each route, which dataset it touches, and the parameter
that binds an enterprise account to its own data. Declared once here; enforced for every route by
:func:`chainatlas.web.auth.authorize`; a route without a policy is refused (fail closed), and
``tests/governance/test_matrix.py`` checks every route of the application against this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from chainatlas.governance.principals import Role

ALL = frozenset(Role)
SIGNED_IN = frozenset({Role.admin, Role.analyst, Role.department, Role.enterprise})
OFFICIALS = frozenset({Role.admin, Role.analyst, Role.department})
ANALYSTS = frozenset({Role.admin, Role.analyst})
ADMIN = frozenset({Role.admin})
PRODUCT = "product.{product_id}"  # each data product is a dataset of the catalogue


@dataclass(frozen=True)
class Access:
    roles: frozenset[Role]
    dataset: str | None = None  # what is read or written (for the audit log); None = public material
    own: tuple[str, ...] = ()  # parameters of which one must be the enterprise account's own USCC
    write: bool = False
    rows: bool = False  # reads rows of ``dataset``: beyond the role's defaults a grant is needed
    rows_if: tuple[str, ...] = ()  # …only when one of these parameters is given (else an aggregate)
    credential: str | None = None  # a route authorised by its own credential (a header), not by an account

    def allows(self, role: Role) -> bool:
        return role == Role.admin or role in self.roles

    def dataset_for(self, params: dict[str, str]) -> str | None:
        """The dataset touched, with a path parameter filled in where the dataset names one (``product.{product_id}``:
        each data product is a dataset of its own)."""
        if self.dataset is None or "{" not in self.dataset:
            return self.dataset
        try:
            return self.dataset.format(**params)
        except KeyError:
            return None


def _own(*params: str) -> tuple[str, ...]:
    return params


POLICIES: dict[tuple[str, str], Access] = {
    # public material: no data rows, no values of single firms
    ("GET", "/"): Access(ALL),
    ("GET", "/login"): Access(ALL),
    ("POST", "/login"): Access(ALL),
    ("POST", "/logout"): Access(ALL),
    ("GET", "/docs"): Access(ALL),
    ("GET", "/openapi.json"): Access(ALL),
    ("GET", "/api/v1/overview"): Access(ALL),
    ("GET", "/api/v1/chains"): Access(ALL),
    ("GET", "/api/v1/chains/{chain_id}"): Access(ALL),
    ("GET", "/api/v1/spec/{table}.schema.json"): Access(ALL),
    ("GET", "/api/v1/me"): Access(ALL),
    ("GET", "/api/v1/divisions"): Access(ALL),  # GB/T 2260 and ISO 3166-1: reference data for pickers
    ("GET", "/api/v1/countries"): Access(ALL),
    # the atlas and chain-level rates: aggregates, open to all; cells resting on fewer than 3 enterprises
    # are suppressed for anyone without row access to supply links (see web/suppression.py)
    ("GET", "/chains"): Access(ALL),
    ("GET", "/chains/{chain_id}"): Access(ALL, "supply_links"),
    ("GET", "/api/v1/chains/{chain_id}/atlas"): Access(ALL, "supply_links"),
    ("GET", "/chains/{chain_id}/map"): Access(ALL, "supply_links"),
    ("GET", "/api/v1/chains/{chain_id}/districts"): Access(ALL, "supply_links"),
    ("GET", "/maps/district.geojson"): Access(ALL),
    ("GET", "/api/v1/catalogue"): Access(ALL),
    # rows of enterprises and their links: officials by grant (or as the dataset's owner); an enterprise its own
    ("GET", "/enterprises"): Access(OFFICIALS, "enterprises", rows=True),
    ("GET", "/api/v1/enterprises"): Access(OFFICIALS, "enterprises", rows=True),
    ("GET", "/enterprises/{uscc}"): Access(OFFICIALS | {Role.enterprise}, "enterprises", _own("uscc"), rows=True),
    ("GET", "/api/v1/enterprises/{uscc}"): Access(OFFICIALS | {Role.enterprise}, "enterprises", _own("uscc"), rows=True),
    ("GET", "/api/v1/supply-links"): Access(OFFICIALS | {Role.enterprise}, "supply_links", _own("supplier", "buyer"), rows=True),
    ("GET", "/api/v1/placements"): Access(OFFICIALS, "placements", rows=True),
    ("GET", "/api/v1/supporting-rate"): Access(ALL, "supply_links", _own("buyer"), rows_if=("buyer",)),
    ("GET", "/api/v1/supporting-rate/multi-tier"): Access(OFFICIALS | {Role.enterprise}, "supply_links", _own("buyer"), rows=True),
    ("GET", "/api/v1/leaders"): Access(OFFICIALS, "supply_links", rows=True),
    ("GET", "/leaders/{uscc}"): Access(OFFICIALS | {Role.enterprise}, "supply_links", _own("uscc"), rows=True),
    # attraction targets: investment-attraction officers (analysts), by grant on supply links
    ("GET", "/chains/{chain_id}/targets"): Access(ANALYSTS, "supply_links", rows=True),
    ("GET", "/api/v1/chains/{chain_id}/targets"): Access(ANALYSTS, "supply_links", rows=True),
    # the city's indicators and the cockpit: aggregates for all (small cells suppressed); targets set by admins
    ("GET", "/api/v1/indicators"): Access(ALL, "indicators"),
    ("GET", "/api/v1/indicators/{indicator_id}"): Access(ALL, "indicators"),
    ("POST", "/api/v1/indicators/{indicator_id}/targets"): Access(ADMIN, "indicators", write=True),
    ("GET", "/cockpit"): Access(ALL, "indicators"),
    ("GET", "/cockpit/report.xlsx"): Access(OFFICIALS, "indicators"),  # with the alerts and lanes: officials only
    ("GET", "/indicators/{indicator_id}"): Access(ALL, "indicators"),
    # 招商跟踪: the officers' own work records — analysts (officers and the chain office); enterprises never
    ("GET", "/attraction"): Access(ANALYSTS, "attraction_projects"),
    ("GET", "/attraction/projects/{project_id}"): Access(ANALYSTS, "attraction_projects"),
    ("POST", "/attraction/projects"): Access(ANALYSTS, "attraction_projects", write=True),
    ("POST", "/attraction/projects/{project_id}/events"): Access(ANALYSTS, "attraction_projects", write=True),
    ("GET", "/api/v1/attraction/projects"): Access(ANALYSTS, "attraction_projects"),
    ("POST", "/api/v1/attraction/projects"): Access(ANALYSTS, "attraction_projects", write=True),
    ("GET", "/api/v1/attraction/projects/{project_id}"): Access(ANALYSTS, "attraction_projects"),
    ("POST", "/api/v1/attraction/projects/{project_id}/events"): Access(ANALYSTS, "attraction_projects", write=True),
    ("GET", "/api/v1/attraction/board"): Access(ANALYSTS, "attraction_projects"),
    # grants: anyone signed in requests; the owner department (or an admin) decides
    ("GET", "/api/v1/grants"): Access(SIGNED_IN, "grants"),
    ("POST", "/api/v1/grants"): Access(SIGNED_IN, "grants", write=True),
    ("POST", "/api/v1/grants/{grant_id}/{decision}"): Access(frozenset({Role.department}), "grants", write=True),
    # resilience: a chain's network is built from supply links (rows); a posted network is the caller's own data
    ("POST", "/api/v1/risk/rei"): Access(ANALYSTS, "supply_links", rows=True),
    ("GET", "/api/v1/jobs/{job_id}"): Access(SIGNED_IN, "jobs"),  # one's own jobs (admins: all)
    ("POST", "/api/v1/risk/scenarios"): Access(ANALYSTS, "supply_links", write=True, rows=True),
    ("GET", "/api/v1/risk/scenarios"): Access(ANALYSTS, "scenarios"),
    ("GET", "/api/v1/risk/scenarios/compare"): Access(ANALYSTS, "supply_links", rows=True),
    ("GET", "/api/v1/risk/scenarios/{scenario_id}"): Access(ANALYSTS, "supply_links", rows=True),
    ("POST", "/api/v1/risk/scenarios/{scenario_id}/run"): Access(ANALYSTS, "supply_links", write=True, rows=True),
    ("GET", "/risk"): Access(ANALYSTS, "scenarios"),
    ("GET", "/risk/ranking/{chain_id}"): Access(ANALYSTS, "supply_links", rows=True),
    ("GET", "/risk/scenarios/compare"): Access(ANALYSTS, "supply_links", rows=True),
    ("GET", "/risk/scenarios/{scenario_id}"): Access(ANALYSTS, "supply_links", rows=True),
    ("GET", "/risk/exposure/{uscc}"): Access(OFFICIALS | {Role.enterprise}, "supply_links", _own("uscc"), rows=True),
    ("GET", "/api/v1/risk/exposure/{uscc}"): Access(OFFICIALS | {Role.enterprise}, "supply_links", _own("uscc"), rows=True),
    # EPCIS 2.0 event repository: firms and officials capture; officials query (events carry no owner yet)
    ("POST", "/epcis/capture"): Access(OFFICIALS | {Role.enterprise}, "epcis_events", write=True),
    ("GET", "/epcis/capture/{capture_id}"): Access(OFFICIALS | {Role.enterprise}, "epcis_events"),
    ("GET", "/epcis/events"): Access(OFFICIALS | {Role.enterprise}, "epcis_events"),  # an enterprise: the events it captured
    ("GET", "/epcis/events/{event_id:path}"): Access(OFFICIALS | {Role.enterprise}, "epcis_events"),  # an enterprise: the events it captured
    ("GET", "/epcis/eventTypes"): Access(SIGNED_IN),
    ("GET", "/epcis/eventTypes/{event_type}/events"): Access(OFFICIALS | {Role.enterprise}, "epcis_events"),  # an enterprise: the events it captured
    ("GET", "/epcis/bizSteps"): Access(OFFICIALS, "epcis_events"),
    ("GET", "/epcis/bizLocations"): Access(OFFICIALS, "epcis_events"),
    ("GET", "/epcis/readPoints"): Access(OFFICIALS, "epcis_events"),
    ("GET", "/epcis/dispositions"): Access(OFFICIALS, "epcis_events"),
    ("GET", "/epcis/epcs/{epc:path}/events"): Access(OFFICIALS | {Role.enterprise}, "epcis_events"),  # an enterprise: the events it captured
    ("GET", "/epcis/queries"): Access(OFFICIALS, "epcis_events"),
    ("POST", "/epcis/queries"): Access(OFFICIALS, "epcis_events", write=True),
    ("GET", "/epcis/queries/{query_name}"): Access(OFFICIALS, "epcis_events"),
    ("DELETE", "/epcis/queries/{query_name}"): Access(OFFICIALS, "epcis_events", write=True),
    ("GET", "/epcis/queries/{query_name}/events"): Access(OFFICIALS, "epcis_events"),
    ("GET", "/epcis/queries/{query_name}/subscriptions"): Access(OFFICIALS, "epcis_events"),
    ("POST", "/epcis/queries/{query_name}/subscriptions"): Access(OFFICIALS, "epcis_events", write=True),
    ("GET", "/epcis/queries/{query_name}/subscriptions/{subscription_id}"): Access(OFFICIALS, "epcis_events"),
    ("DELETE", "/epcis/queries/{query_name}/subscriptions/{subscription_id}"): Access(OFFICIALS, "epcis_events", write=True),
    ("GET", "/trade"): Access(OFFICIALS, "epcis_events"),
    # consolidation: the caller's own shipments and offers, evaluated and not stored; no stored data is read
    ("POST", "/api/v1/consolidation/plan"): Access(SIGNED_IN),
    # the stored requests' plan: officials see every exporter; an enterprise its own shipments (others' cartons in a
    # shared unit without their owner)
    ("GET", "/consolidation"): Access(SIGNED_IN, "consolidation"),
    ("GET", "/consolidation/units/{unit_id}"): Access(SIGNED_IN, "consolidation"),
    # public overseas warehouses: officials see all stock; an enterprise its own stock, fees and movements
    # 智改数转: the catalogue and questionnaire are public material; a firm's assessments and subscriptions are
    # enterprise rows — its own for an enterprise account (reading and writing), by role default or grant for
    # officials, as for its register entry; maturity per segment is an aggregate for officials; a leader's suppliers'
    # levels are supply-link rows (officials by grant, the leader itself)
    ("GET", "/digital"): Access(ALL),
    ("GET", "/digital/offers/{offer_id}"): Access(ALL),
    ("GET", "/api/v1/digital/offers"): Access(ALL),
    ("GET", "/api/v1/digital/offers/{offer_id}"): Access(ALL),
    ("GET", "/api/v1/digital/questionnaire"): Access(ALL),
    ("POST", "/api/v1/digital/score"): Access(ALL),
    ("GET", "/digital/enterprises/{uscc}"): Access(OFFICIALS | {Role.enterprise}, "enterprises", _own("uscc"), rows=True),
    ("POST", "/digital/enterprises/{uscc}"): Access(OFFICIALS | {Role.enterprise}, "enterprises", _own("uscc"), write=True, rows=True),
    ("GET", "/api/v1/digital/assessments/{uscc}"): Access(OFFICIALS | {Role.enterprise}, "enterprises", _own("uscc"), rows=True),
    ("POST", "/api/v1/digital/assessments/{uscc}"): Access(OFFICIALS | {Role.enterprise}, "enterprises", _own("uscc"), write=True, rows=True),
    ("GET", "/api/v1/digital/subscriptions/{uscc}"): Access(OFFICIALS | {Role.enterprise}, "enterprises", _own("uscc"), rows=True),
    ("GET", "/digital/maturity/{chain_id}"): Access(OFFICIALS, "digital"),
    ("GET", "/api/v1/digital/maturity/{chain_id}"): Access(OFFICIALS, "digital"),
    ("GET", "/digital/leaders/{uscc}"): Access(OFFICIALS | {Role.enterprise}, "supply_links", _own("uscc"), rows=True),
    ("GET", "/api/v1/digital/leaders/{uscc}/suppliers"): Access(OFFICIALS | {Role.enterprise}, "supply_links", _own("uscc"), rows=True),
    # 共享运维: every signed-in account; what it sees is filtered in chainatlas.maintenance.store (an enterprise: the
    # equipment it owns or maintains and the tickets on it; another firm's ticket is "not found"); the SLA targets
    # and alarm rules are public material; a device sends telemetry with its own token, not an account
    ("GET", "/maintenance"): Access(SIGNED_IN, "maintenance"),
    ("POST", "/maintenance/tickets"): Access(SIGNED_IN, "maintenance", write=True),
    ("GET", "/maintenance/tickets/{ticket_id}"): Access(SIGNED_IN, "maintenance"),
    ("POST", "/maintenance/tickets/{ticket_id}/photos"): Access(SIGNED_IN, "maintenance", write=True),
    ("POST", "/maintenance/tickets/{ticket_id}/{action}"): Access(SIGNED_IN, "maintenance", write=True),
    ("GET", "/maintenance/equipment/{equipment_id}"): Access(SIGNED_IN, "maintenance"),
    ("POST", "/maintenance/equipment/{equipment_id}/tokens"): Access(SIGNED_IN, "maintenance", write=True),
    ("GET", "/maintenance/providers"): Access(SIGNED_IN, "maintenance"),
    ("GET", "/api/v1/maintenance/sla"): Access(ALL),
    ("GET", "/api/v1/maintenance/equipment"): Access(SIGNED_IN, "maintenance"),
    ("GET", "/api/v1/maintenance/equipment/{equipment_id}"): Access(SIGNED_IN, "maintenance"),
    ("POST", "/api/v1/maintenance/equipment/{equipment_id}/tokens"): Access(SIGNED_IN, "maintenance", write=True),
    ("DELETE", "/api/v1/maintenance/equipment/{equipment_id}/tokens"): Access(SIGNED_IN, "maintenance", write=True),
    ("GET", "/api/v1/maintenance/tickets"): Access(SIGNED_IN, "maintenance"),
    ("POST", "/api/v1/maintenance/tickets"): Access(SIGNED_IN, "maintenance", write=True),
    ("GET", "/api/v1/maintenance/tickets/{ticket_id}"): Access(SIGNED_IN, "maintenance"),
    ("POST", "/api/v1/maintenance/tickets/{ticket_id}/photos"): Access(SIGNED_IN, "maintenance", write=True),
    ("GET", "/api/v1/maintenance/tickets/{ticket_id}/photos/{photo_id}"): Access(SIGNED_IN, "maintenance"),
    ("POST", "/api/v1/maintenance/tickets/{ticket_id}/{action}"): Access(SIGNED_IN, "maintenance", write=True),
    ("GET", "/api/v1/maintenance/alerts"): Access(SIGNED_IN, "maintenance"),
    ("GET", "/api/v1/maintenance/providers"): Access(SIGNED_IN, "maintenance"),
    ("POST", "/api/v1/maintenance/telemetry"): Access(ALL, "maintenance", write=True, credential="X-Device-Token"),
    # 数据即服务: the catalogue and quality are public; a token needs a grant on product.<id> (checked in
    # chainatlas.products.store); the data answer only to a token of that product, metered and audited there
    ("GET", "/products"): Access(ALL),
    ("GET", "/products/{product_id}"): Access(ALL),
    ("POST", "/products/{product_id}/tokens"): Access(SIGNED_IN, PRODUCT, write=True, rows=True),
    ("GET", "/api/v1/products"): Access(ALL),
    ("GET", "/api/v1/products/{product_id}"): Access(ALL),
    ("POST", "/api/v1/products/{product_id}/tokens"): Access(SIGNED_IN, PRODUCT, write=True, rows=True),
    ("DELETE", "/api/v1/products/{product_id}/tokens"): Access(SIGNED_IN, PRODUCT, write=True),
    ("GET", "/api/v1/products/{product_id}/data"): Access(ALL, credential="X-Product-Token"),
    ("GET", "/api/v1/products/{product_id}/usage"): Access(OFFICIALS, PRODUCT, rows=True),  # the owner (store.usage)
    ("POST", "/api/v1/products/{product_id}/measure"): Access(OFFICIALS, PRODUCT, write=True, rows=True),
    ("GET", "/warehouses"): Access(SIGNED_IN, "warehouses"),
    ("GET", "/warehouses/{warehouse_id}"): Access(SIGNED_IN, "warehouses"),
    ("GET", "/api/v1/warehouses"): Access(SIGNED_IN, "warehouses"),
    ("GET", "/api/v1/warehouses/{warehouse_id}/stock"): Access(SIGNED_IN, "warehouses"),
    ("POST", "/api/v1/warehouses/{warehouse_id}/receipts"): Access(OFFICIALS | {Role.enterprise}, "warehouses", write=True),
    ("POST", "/api/v1/warehouses/{warehouse_id}/orders"): Access(OFFICIALS | {Role.enterprise}, "warehouses", write=True),
    ("GET", "/network"): Access(OFFICIALS, "epcis_events"),  # the cargo lanes, from the same events
    ("GET", "/api/v1/network/lanes"): Access(OFFICIALS, "epcis_events"),
    ("GET", "/api/v1/network/hubs/{place}"): Access(OFFICIALS, "epcis_events"),
    ("GET", "/api/v1/trade/consignments"): Access(OFFICIALS, "epcis_events"),
    ("GET", "/api/v1/trade/trace"): Access(OFFICIALS, "epcis_events"),
    ("GET", "/trade/trace"): Access(OFFICIALS, "epcis_events"),
    ("GET", "/api/v1/trade/alerts"): Access(OFFICIALS, "trade_alerts"),
    ("POST", "/api/v1/trade/alerts/{alert_id}/{action}"): Access(OFFICIALS, "trade_alerts", write=True),
    ("POST", "/trade/alerts/{alert_id}/{action}"): Access(OFFICIALS, "trade_alerts", write=True),
    ("POST", "/api/v1/trade/webhooks"): Access(OFFICIALS, "trade_alerts", write=True),
    ("GET", "/trade/consignments/{ref:path}"): Access(OFFICIALS, "epcis_events"),
    # tiers and policies (梯度培育, 免申即享): per-firm evaluations rest on the enterprise indicators (owner: industry)
    ("GET", "/api/v1/tiers"): Access(OFFICIALS, "enterprise_profiles", rows=True),
    ("GET", "/api/v1/tiers/counts"): Access(OFFICIALS),
    ("GET", "/api/v1/tiers/pools"): Access(OFFICIALS, "enterprise_profiles", rows=True),
    ("GET", "/api/v1/tiers/{uscc}"): Access(OFFICIALS | {Role.enterprise}, "enterprise_profiles", _own("uscc"), rows=True),
    ("GET", "/tiers"): Access(OFFICIALS, "enterprise_profiles", rows=True),
    ("GET", "/tiers/{uscc}"): Access(OFFICIALS | {Role.enterprise}, "enterprise_profiles", _own("uscc"), rows=True),
    ("GET", "/api/v1/policies"): Access(ALL),
    ("GET", "/api/v1/policies/{policy_id}"): Access(ALL),
    ("GET", "/policies"): Access(ALL),
    ("POST", "/api/v1/policies/{policy_id}/screenings"): Access(OFFICIALS, "enterprise_profiles", write=True),
    ("POST", "/policies/{policy_id}/screenings"): Access(OFFICIALS, "enterprise_profiles", write=True),
    ("GET", "/api/v1/policies/{policy_id}/screenings"): Access(OFFICIALS),
    ("GET", "/api/v1/screenings/{screening_id}/candidates"): Access(OFFICIALS, "enterprise_profiles", rows=True),
    ("POST", "/api/v1/candidates/{candidate_id}/decision"): Access(OFFICIALS, "enterprise_profiles", write=True),
    ("POST", "/candidates/{candidate_id}/decision"): Access(OFFICIALS, "enterprise_profiles", write=True),
    ("GET", "/api/v1/policies/{policy_id}/ledger"): Access(OFFICIALS, "enterprise_profiles", rows=True),
    ("GET", "/policies/{policy_id}"): Access(OFFICIALS, "enterprise_profiles", rows=True),
    ("GET", "/api/v1/policies/{policy_id}/sandbox"): Access(OFFICIALS),
    ("GET", "/api/v1/enterprises/{uscc}/policies"): Access(OFFICIALS | {Role.enterprise}, "enterprise_profiles", _own("uscc"), rows=True),
    ("GET", "/enterprises/{uscc}/policies"): Access(OFFICIALS | {Role.enterprise}, "enterprise_profiles", _own("uscc"), rows=True),
    ("GET", "/api/v1/enterprises/{uscc}/policies/{policy_id}/application"): Access(OFFICIALS | {Role.enterprise}, "enterprise_profiles", _own("uscc"), rows=True),
    ("GET", "/enterprises/{uscc}/policies/{policy_id}/application.xlsx"): Access(OFFICIALS | {Role.enterprise}, "enterprise_profiles", _own("uscc"), rows=True),
    # 企业出题、院所解题: what a demand shows follows its visibility (chainatlas.collab.workflow.can_see); each step's
    # actor (enterprise, institute, bureau) is checked by the workflow; internships are officials' (pseudonymous ids)
    ("GET", "/collab"): Access(ALL, "collab"),
    ("GET", "/api/v1/collab/demands"): Access(ALL, "collab"),
    ("GET", "/collab/demands/{demand_id}"): Access(ALL, "collab"),
    ("GET", "/api/v1/collab/demands/{demand_id}"): Access(ALL, "collab"),
    ("GET", "/api/v1/collab/demands/{demand_id}/matches"): Access(ALL, "collab"),
    ("POST", "/collab/demands"): Access(SIGNED_IN, "collab", write=True),
    ("POST", "/api/v1/collab/demands"): Access(SIGNED_IN, "collab", write=True),
    ("PATCH", "/api/v1/collab/demands/{demand_id}"): Access(SIGNED_IN, "collab", write=True),
    ("POST", "/collab/demands/{demand_id}/edit"): Access(SIGNED_IN, "collab", write=True),
    ("POST", "/api/v1/collab/capabilities/{capability_id}/withdraw"): Access(SIGNED_IN, "collab", write=True),
    ("PATCH", "/api/v1/collab/capabilities/{capability_id}"): Access(SIGNED_IN, "collab", write=True),
    ("POST", "/collab/capabilities/{capability_id}/edit"): Access(SIGNED_IN, "collab", write=True),
    ("POST", "/collab/demands/{demand_id}/steps"): Access(SIGNED_IN, "collab", write=True),
    ("POST", "/api/v1/collab/demands/{demand_id}/steps"): Access(SIGNED_IN, "collab", write=True),
    ("POST", "/collab/demands/{demand_id}/bids"): Access(frozenset({Role.enterprise}), "collab", write=True),
    ("POST", "/api/v1/collab/demands/{demand_id}/bids"): Access(frozenset({Role.enterprise}), "collab", write=True),
    ("POST", "/collab/bids/{bid_id}/decision"): Access(SIGNED_IN, "collab", write=True),
    ("POST", "/api/v1/collab/bids/{bid_id}/decision"): Access(SIGNED_IN, "collab", write=True),
    ("POST", "/collab/milestones/{milestone_id}/{action}"): Access(SIGNED_IN, "collab", write=True),
    ("POST", "/api/v1/collab/milestones/{milestone_id}/report"): Access(frozenset({Role.enterprise}), "collab", write=True),
    ("POST", "/api/v1/collab/milestones/{milestone_id}/accept"): Access(SIGNED_IN, "collab", write=True),
    ("GET", "/collab/capabilities"): Access(ALL, "collab"),
    ("GET", "/api/v1/collab/capabilities"): Access(ALL, "collab"),
    ("GET", "/collab/capabilities/{capability_id}"): Access(ALL, "collab"),
    ("GET", "/api/v1/collab/capabilities/{capability_id}"): Access(ALL, "collab"),
    ("GET", "/api/v1/collab/capabilities/{capability_id}/matches"): Access(ALL, "collab"),
    ("POST", "/api/v1/collab/capabilities"): Access(SIGNED_IN, "collab", write=True),
    ("GET", "/collab/pipeline"): Access(OFFICIALS, "collab"),
    ("GET", "/api/v1/collab/pipeline"): Access(OFFICIALS, "collab"),
    ("GET", "/api/v1/collab/fund"): Access(OFFICIALS, "collab"),
    ("GET", "/collab/mine"): Access(frozenset({Role.enterprise}), "collab"),
    ("GET", "/api/v1/collab/notices"): Access(frozenset({Role.enterprise}), "collab"),
    ("GET", "/collab/internships"): Access(OFFICIALS, "internships"),
    ("GET", "/api/v1/collab/internships/students"): Access(OFFICIALS, "internships"),
    ("GET", "/api/v1/collab/internships/hosts"): Access(OFFICIALS, "internships"),
    # writes
    ("GET", "/import"): Access(OFFICIALS, "imports"),
    ("POST", "/import"): Access(OFFICIALS, "imports", write=True),
    ("POST", "/import/{token}/confirm"): Access(OFFICIALS, "imports", write=True),
    ("POST", "/api/v1/imports"): Access(OFFICIALS | {Role.enterprise}, "imports", write=True),  # enterprises: own rows
    ("POST", "/api/v1/placements/overrides"): Access(ANALYSTS, "placements", write=True),
    ("POST", "/api/v1/placements/run"): Access(ANALYSTS, "placements", write=True),
    ("POST", "/enterprises/{uscc}/placements"): Access(ANALYSTS, "placements", write=True),
    ("GET", "/grants"): Access(SIGNED_IN, "grants"),
    ("POST", "/grants"): Access(SIGNED_IN, "grants", write=True),
    ("POST", "/grants/{grant_id}/{decision}"): Access(frozenset({Role.department}), "grants", write=True),
    # audit
    ("GET", "/audit"): Access(frozenset({Role.department}), "audit"),  # departments: reads of the datasets they own
    ("GET", "/api/v1/audit"): Access(frozenset({Role.department}), "audit"),
}


def policy_for(method: str, path: str) -> Access | None:
    """The access policy declared for a route (None: the route is refused, fail closed)."""
    if method == "HEAD":
        method = "GET"
    return POLICIES.get((method, path))
