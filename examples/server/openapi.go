package main

// openAPI is the API's description, OpenAPI 3.1, served at
// /api/v1/openapi.json.
func openAPI() map[string]any {
	ref := func(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }
	jsonOf := func(schema any) map[string]any {
		return map[string]any{"application/json": map[string]any{"schema": schema}}
	}
	problems := map[string]any{
		"400": map[string]any{"description": "bad input: the field and value at fault", "content": map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}}},
		"401": map[string]any{"description": "no valid bearer token", "content": map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}}},
		"404": map[string]any{"description": "not found, or another client's", "content": map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}}},
	}
	with := func(ok string, okBody any, extra map[string]any) map[string]any {
		out := map[string]any{ok: map[string]any{"description": "done", "content": jsonOf(okBody)}}
		for k, v := range problems {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	pageParams := []any{
		map[string]any{"name": "limit", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": maxPage, "default": defaultPage}},
		map[string]any{"name": "cursor", "in": "query", "schema": map[string]any{"type": "string"}, "description": "next_cursor of the page before"},
	}
	idParam := func(name string) map[string]any {
		return map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string", "format": "uuid"}}
	}
	listOf := func(name string) map[string]any {
		return map[string]any{"type": "object", "properties": map[string]any{"items": map[string]any{"type": "array", "items": ref(name)},
			"next_cursor": map[string]any{"type": "string"}}}
	}
	str := map[string]any{"type": "string"}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "outbound", "version": "1",
			"description": "An agency's outreach engine: clients, campaigns, leads and their schedules, suppressions. An admin token sees every client; a client's token only its own."},
		"servers":  []any{map[string]any{"url": "/api/v1"}},
		"security": []any{map[string]any{"bearer": []any{}}},
		"paths": map[string]any{
			"/clients": map[string]any{"get": map[string]any{"summary": "The clients the token sees", "parameters": pageParams,
				"responses": with("200", listOf("Client"), nil)}},
			"/clients/{client}": map[string]any{"get": map[string]any{"summary": "A client", "parameters": []any{idParam("client")},
				"responses": with("200", ref("Client"), nil)}},
			"/clients/{client}/campaigns": map[string]any{
				"get": map[string]any{"summary": "A client's campaigns", "parameters": append([]any{idParam("client")}, pageParams...),
					"responses": with("200", listOf("Campaign"), nil)},
				"post": map[string]any{"summary": "Create a campaign for an ICP", "parameters": []any{idParam("client")},
					"requestBody": map[string]any{"required": true, "content": jsonOf(map[string]any{"type": "object", "required": []any{"name"},
						"properties": map[string]any{"name": str, "icp": ref("ICP")}})},
					"responses": with("201", ref("Campaign"), nil)},
			},
			"/campaigns/{campaign}/leads": map[string]any{"post": map[string]any{
				"summary":    "Import a lead file (CSV with a header, or JSON lines) into a campaign",
				"parameters": []any{idParam("campaign")},
				"requestBody": map[string]any{"required": true, "content": map[string]any{
					"text/csv": map[string]any{"schema": str}, "application/x-ndjson": map[string]any{"schema": str}}},
				"responses": with("200", ref("Import"), map[string]any{"415": map[string]any{"description": "not CSV or JSON lines"},
					"409": map[string]any{"description": "the campaign or client is not active, or the month's allowance is used"}}),
			}},
			"/leads/{lead}": map[string]any{"get": map[string]any{"summary": "A lead, its score's signals and its schedule",
				"parameters": []any{idParam("lead")}, "responses": with("200", ref("Lead"), nil)}},
			"/suppressions": map[string]any{
				"get": map[string]any{"summary": "Suppressions: a client's, or (admin, no client) the platform-wide ones",
					"parameters": append([]any{map[string]any{"name": "client", "in": "query", "schema": str}}, pageParams...),
					"responses":  with("200", listOf("Suppression"), nil)},
				"post": map[string]any{"summary": "Add a do-not-contact entry: a lead, an address or a domain",
					"requestBody": map[string]any{"required": true, "content": jsonOf(ref("SuppressionIn"))},
					"responses":   with("201", map[string]any{"type": "object"}, nil)},
			},
			"/suppressions/lift": map[string]any{"post": map[string]any{"summary": "Lift a suppression in force, saying why",
				"requestBody": map[string]any{"required": true, "content": jsonOf(ref("SuppressionIn"))},
				"responses":   with("200", map[string]any{"type": "object"}, nil)}},
			"/leads/{lead}/events": map[string]any{"get": map[string]any{"summary": "What the lead's providers reported, replies with their class",
				"parameters": []any{idParam("lead")}, "responses": with("200", map[string]any{"type": "object"}, nil)}},
			"/pool": map[string]any{"get": map[string]any{"summary": "Admin: the pool by kind and state, each kind's buffer, purchases in flight",
				"responses": with("200", map[string]any{"type": "object"}, nil)}},
			"/resources": map[string]any{"post": map[string]any{"summary": "Admin: register the agency's own resources (idempotent by provider and reference)",
				"requestBody": map[string]any{"required": true, "content": jsonOf(map[string]any{"type": "array", "items": map[string]any{"type": "object",
					"required":   []any{"kind", "provider", "provider_ref", "address"},
					"properties": map[string]any{"kind": str, "provider": str, "provider_ref": str, "address": str, "purchased_at": str, "domain": str}}})},
				"responses": with("201", map[string]any{"type": "object"}, nil)}},
			"/resources/{resource}/pause": map[string]any{"post": map[string]any{"summary": "Admin: pause a resource, saying why",
				"parameters": []any{idParam("resource")},
				"requestBody": map[string]any{"required": true, "content": jsonOf(map[string]any{"type": "object", "required": []any{"reason"},
					"properties": map[string]any{"reason": str}})},
				"responses": with("200", map[string]any{"type": "object"}, nil)}},
			"/resources/{resource}/resume": map[string]any{"post": map[string]any{"summary": "Admin: resume a paused resource",
				"parameters": []any{idParam("resource")}, "responses": with("200", map[string]any{"type": "object"}, nil)}},
			"/alerts": map[string]any{"get": map[string]any{"summary": "Admin: the pool's latest alerts in this process, newest first",
				"responses": with("200", map[string]any{"type": "object"}, nil)}},
		},
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas": map[string]any{
				"Problem": map[string]any{"type": "object", "description": "RFC 9457", "properties": map[string]any{
					"type": str, "title": str, "status": map[string]any{"type": "integer"}, "detail": str, "field": str, "value": map[string]any{}}},
				"Client": map[string]any{"type": "object", "properties": map[string]any{"id": str, "name": str, "plan": str, "state": str,
					"default_zone": str, "signup_at": str, "answers": str, "booking_url": str, "sending_paused": map[string]any{"type": "boolean"}}},
				"ICP": map[string]any{"type": "object", "properties": map[string]any{
					"countries": map[string]any{"type": "array", "items": str}, "regions": map[string]any{"type": "array", "items": str},
					"industries": map[string]any{"type": "array", "items": str}, "min_employees": map[string]any{"type": "integer"},
					"max_employees": map[string]any{"type": "integer"}, "titles": map[string]any{"type": "array", "items": str},
					"seniority": map[string]any{"enum": []any{"individual", "manager", "director", "vp", "c_level"}}}},
				"Campaign": map[string]any{"type": "object", "properties": map[string]any{"id": str, "client_id": str, "name": str, "state": str,
					"icp": ref("ICP"), "created_at": str}},
				"Import": map[string]any{"type": "object", "properties": map[string]any{
					"enrolled": map[string]any{"type": "array", "items": str}, "merged": map[string]any{"type": "array", "items": str},
					"dead": map[string]any{"type": "array", "items": str},
					"rejected": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
						"line": map[string]any{"type": "integer"}, "external_id": str, "field": str, "value": map[string]any{}, "reason": str}}}}},
				"Touch": map[string]any{"type": "object", "properties": map[string]any{"id": str, "step": map[string]any{"type": "integer"},
					"channel": str, "action": str, "status": str, "reason": str, "scheduled_at": str, "sent_at": str, "resource_id": str}},
				"Lead": map[string]any{"type": "object", "properties": map[string]any{"id": str, "client_id": str, "email": str, "phone": str,
					"first_name": str, "last_name": str, "company": str, "title": str, "industry": str, "employees": map[string]any{"type": "integer"},
					"country": str, "region": str, "zone": str, "score": map[string]any{"type": "integer"}, "tier": str, "dncr": str,
					"score_signals": map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
					"engaged":       map[string]any{"type": "array", "items": str},
					"schedule":      map[string]any{"type": "array", "items": ref("Touch")}}},
				"Suppression": map[string]any{"type": "object", "properties": map[string]any{"client_id": str, "lead_id": str, "address": str,
					"domain": str, "channel": str, "reason": str, "since": str, "lifted_at": str, "lift_reason": str}},
				"SuppressionIn": map[string]any{"type": "object", "properties": map[string]any{"client": str, "lead": str, "address": str,
					"domain": str, "channel": str, "reason": str}},
			},
		},
	}
}
