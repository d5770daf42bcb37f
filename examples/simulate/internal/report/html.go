package report

import (
	"fmt"
	"html/template"
	"io"
	"math"
)

// channelColor is a channel's color in the charts.
func channelColor(ch string) string {
	switch ch {
	case "email":
		return "#4e79a7"
	case "voice":
		return "#f28e2b"
	case "linkedin":
		return "#0a66c2"
	case "sms":
		return "#e15759"
	case "mail":
		return "#76b7b2"
	}
	return otherColor
}

// statusColor is a touch status's color in the charts.
func statusColor(st string) string {
	switch st {
	case "scheduled":
		return "#bab0ac"
	case "sending":
		return "#edc948"
	case "sent":
		return "#59a14f"
	case "delivered":
		return "#2e7d32"
	case "failed":
		return "#e15759"
	case "skipped":
		return "#9c755f"
	case "replanned":
		return "#76b7b2"
	case "cancelled":
		return "#b07aa1"
	case "uncertain":
		return "#ff9da7"
	}
	return otherColor
}

const (
	usedColor      = "#4e79a7"
	availableColor = "#d5e1ee"
	otherColor     = "#888888"
)

// Chart is an SVG chart as drawn shapes: the template only places them.
type Chart struct {
	Title  string
	Note   string
	Width  int
	Height int
	Rects  []Rect
	Texts  []Text
	Lines  []Line
	Legend []LegendItem
}

// Rect is a bar; Tip is its tooltip.
type Rect struct {
	X, Y, W, H float64
	Fill       string
	Tip        string
}

// Text is a label.
type Text struct {
	X, Y   float64
	Anchor string // start, middle, end
	Size   int
	Text   string
}

// Line is a grid or axis line.
type Line struct{ X1, Y1, X2, Y2 float64 }

// LegendItem is one entry of a chart's legend.
type LegendItem struct{ Color, Label string }

// niceMax rounds v up to 1, 2 or 5 times a power of ten, for an axis.
func niceMax(v int) int {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(float64(v))))
	for _, m := range []float64{1, 2, 5, 10} {
		if float64(v) <= m*p {
			return int(m * p)
		}
	}
	return v
}

// DailyChart stacks each day's sends by channel.
func DailyChart(s *Summary) Chart {
	const (
		left, right, top, bottom = 50.0, 10.0, 10.0, 40.0
		width, height            = 900, 300
	)
	c := Chart{Title: "Touches sent per day, by channel", Note: "Days are UTC calendar days of the send instant.", Width: width, Height: height}
	maxDay := 0
	for _, d := range s.Daily {
		maxDay = max(maxDay, d.TotalSent())
	}
	step := niceMax((maxDay + 3) / 4) // four grid steps of 1, 2 or 5 × 10^k
	top2 := 4 * step
	plotW, plotH := width-left-right, height-top-bottom
	for i := 0; i <= 4; i++ {
		y := top + plotH*(1-float64(i)/4)
		c.Lines = append(c.Lines, Line{left, y, width - right, y})
		c.Texts = append(c.Texts, Text{X: left - 6, Y: y + 4, Anchor: "end", Size: 11, Text: fmt.Sprint(step * i)})
	}
	n := max(len(s.Daily), 1)
	slot := plotW / float64(n)
	barW := math.Max(1, slot*0.8)
	for i, d := range s.Daily {
		x := left + slot*float64(i) + (slot-barW)/2
		y := top + plotH
		for _, ch := range ordered(d.Sent, channelOrder[:]) {
			v := d.Sent[ch]
			if v == 0 {
				continue
			}
			h := plotH * float64(v) / float64(top2)
			y -= h
			c.Rects = append(c.Rects, Rect{X: x, Y: y, W: barW, H: h, Fill: channelColor(ch), Tip: fmt.Sprintf("%s %s: %d", d.Date, ch, v)})
		}
		if n <= 31 || i%((n+29)/30) == 0 {
			c.Texts = append(c.Texts, Text{X: x + barW/2, Y: height - bottom + 14, Anchor: "middle", Size: 10, Text: d.Date[8:]})
		}
	}
	c.Texts = append(c.Texts, Text{X: left + plotW/2, Y: height - 6, Anchor: "middle", Size: 11, Text: "day of month"})
	for _, ch := range channelOrder {
		c.Legend = append(c.Legend, LegendItem{channelColor(ch), ch})
	}
	return c
}

// hbars draws labelled horizontal bars, one group per row.
func hbars(title, note string, rows []string, series []LegendItem, value func(row string, series int) int, perRowScale bool) Chart {
	const (
		left, right, rowH, barH, top = 130.0, 80.0, 34.0, 12.0, 10.0
		width                        = 900
	)
	c := Chart{Title: title, Note: note, Width: width, Legend: series}
	c.Height = int(top + rowH*float64(len(rows)) + 10)
	plotW := width - left - right
	globalMax := 1
	for _, r := range rows {
		for i := range series {
			globalMax = max(globalMax, value(r, i))
		}
	}
	for ri, r := range rows {
		y := top + rowH*float64(ri)
		c.Texts = append(c.Texts, Text{X: left - 8, Y: y + rowH/2 + 4, Anchor: "end", Size: 12, Text: r})
		scale := globalMax
		if perRowScale {
			scale = 1
			for i := range series {
				scale = max(scale, value(r, i))
			}
		}
		for i, s := range series {
			v := value(r, i)
			w := plotW * float64(v) / float64(scale)
			by := y + 4 + barH*float64(i)
			c.Rects = append(c.Rects, Rect{X: left, Y: by, W: math.Max(w, 0.5), H: barH - 1, Fill: s.Color, Tip: fmt.Sprintf("%s %s: %d", r, s.Label, v)})
			c.Texts = append(c.Texts, Text{X: left + w + 4, Y: by + barH - 3, Anchor: "start", Size: 10, Text: fmt.Sprint(v)})
		}
	}
	return c
}

// CapacityChart sets capacity used against capacity offered, per kind.
func CapacityChart(s *Summary) Chart {
	rows := ordered(s.Capacity, kindOrder[:])
	return hbars("Capacity used vs available, by resource kind",
		"Over the whole run: sends booked against the caps offered by the resources of that kind (each kind on its own scale).",
		rows, []LegendItem{{usedColor, "used"}, {availableColor, "available"}},
		func(r string, i int) int {
			if i == 0 {
				return s.Capacity[r].Used
			}
			return s.Capacity[r].Available
		}, true)
}

// OutcomeChart counts the inbound events by type.
func OutcomeChart(s *Summary) Chart {
	rows := byCount(s.Events)
	return hbars("Outcomes: inbound events by type", "Events the fake providers reported and the engine applied.",
		rows, []LegendItem{{usedColor, "events"}}, func(r string, _ int) int { return s.Events[r] }, false)
}

// StatusChart stacks each channel's touches by status.
func StatusChart(s *Summary) Chart {
	const (
		left, right, rowH, barH, top = 130.0, 80.0, 30.0, 18.0, 10.0
		width                        = 900
	)
	channels := ordered(s.Touches, channelOrder[:])
	c := Chart{Title: "Touches by channel and status", Note: "The channel used; a skipped touch counts under its step's channel.", Width: width}
	c.Height = int(top + rowH*float64(len(channels)) + 10)
	maxTotal := 1
	for _, ch := range channels {
		t := 0
		for _, v := range s.Touches[ch] {
			t += v
		}
		maxTotal = max(maxTotal, t)
	}
	plotW := width - left - right
	for ri, ch := range channels {
		y := top + rowH*float64(ri)
		c.Texts = append(c.Texts, Text{X: left - 8, Y: y + barH/2 + 5, Anchor: "end", Size: 12, Text: ch})
		x := left
		for _, st := range ordered(s.Touches[ch], statusOrder[:]) {
			v := s.Touches[ch][st]
			w := plotW * float64(v) / float64(maxTotal)
			c.Rects = append(c.Rects, Rect{X: x, Y: y, W: w, H: barH, Fill: statusColor(st), Tip: fmt.Sprintf("%s %s: %d", ch, st, v)})
			x += w
		}
		c.Texts = append(c.Texts, Text{X: x + 4, Y: y + barH/2 + 4, Anchor: "start", Size: 10, Text: fmt.Sprint(sumInts(s.Touches[ch]))})
	}
	for _, st := range statusOrder {
		c.Legend = append(c.Legend, LegendItem{statusColor(st), st})
	}
	return c
}

func sumInts(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// tableRow is one row of a two-column table in the report.
type tableRow struct {
	Key   string
	Value int
}

func rowsOf(m map[string]int) []tableRow {
	var out []tableRow
	for _, k := range byCount(m) {
		out = append(out, tableRow{k, m[k]})
	}
	return out
}

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"f": func(v float64) string { return fmt.Sprintf("%.1f", v) },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>outbound simulation — seed {{.S.Seed}}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 940px; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0; } td, th { padding: 3px 10px; border-bottom: 1px solid #eee; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.note { color: #666; font-size: 0.9em; } .legend span { display: inline-block; margin-right: 14px; font-size: 0.9em; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
svg text { font-family: inherit; fill: #333; } svg line { stroke: #e5e5e5; }
</style>
</head>
<body>
<h1>outbound simulation</h1>
<p>Seed {{.S.Seed}}; {{len .S.Clients}} clients; {{.S.Leads.Rows}} lead rows; {{.S.Days}} virtual days from {{.S.Start}} (days in {{.S.DayZone}}).
Enrolled {{.S.Leads.Enrolled}}, merged {{.S.Leads.Merged}}, dead {{.S.Leads.Dead}}, rejected {{.S.Leads.Rejected}}, bad file rows {{.S.Leads.BadRows}}. Replies: {{.S.Replies}}.</p>

<h2>Clients</h2>
<table><tr><th>client</th><th>plan</th><th>zone</th><th class="n">enrolled</th><th class="n">sent</th><th class="n">replies</th></tr>
{{range .S.Clients}}<tr><td>{{.Name}}</td><td>{{.Plan}}</td><td>{{.Zone}}</td><td class="n">{{.Enrolled}}</td><td class="n">{{.Sent}}</td><td class="n">{{.Replies}}</td></tr>
{{end}}</table>

{{range .Charts}}
<h2>{{.Title}}</h2>
<p class="note">{{.Note}}</p>
<svg xmlns="http://www.w3.org/2000/svg" width="{{.Width}}" height="{{.Height}}" viewBox="0 0 {{.Width}} {{.Height}}" role="img" aria-label="{{.Title}}">
{{range .Lines}}<line x1="{{f .X1}}" y1="{{f .Y1}}" x2="{{f .X2}}" y2="{{f .Y2}}"/>
{{end}}{{range .Rects}}<rect x="{{f .X}}" y="{{f .Y}}" width="{{f .W}}" height="{{f .H}}" fill="{{.Fill}}"><title>{{.Tip}}</title></rect>
{{end}}{{range .Texts}}<text x="{{f .X}}" y="{{f .Y}}" text-anchor="{{.Anchor}}" font-size="{{.Size}}">{{.Text}}</text>
{{end}}</svg>
<div class="legend">{{range .Legend}}<span><i style="background: {{.Color}}"></i>{{.Label}}</span>{{end}}</div>
{{end}}

<h2>Skipped by reason</h2>
<table>{{range .Skipped}}<tr><td>{{.Key}}</td><td class="n">{{.Value}}</td></tr>{{else}}<tr><td>none</td></tr>{{end}}</table>
<h2>Cancelled by reason</h2>
<p class="note">A touch cancelled to be planned again (an out-of-office pause) counts as replanned, not here.</p>
<table>{{range .Cancelled}}<tr><td>{{.Key}}</td><td class="n">{{.Value}}</td></tr>{{else}}<tr><td>none</td></tr>{{end}}</table>
<h2>Fallbacks by reason</h2>
<table>{{range .Fallbacks}}<tr><td>{{.Key}}</td><td class="n">{{.Value}}</td></tr>{{else}}<tr><td>none</td></tr>{{end}}</table>
<h2>Deferrals by reason</h2>
<table>{{range .Deferrals}}<tr><td>{{.Key}}</td><td class="n">{{.Value}}</td></tr>{{else}}<tr><td>none</td></tr>{{end}}</table>
<h2>Leads</h2>
<table><tr><th>tier</th><th class="n">leads</th></tr>{{range .Tiers}}<tr><td>{{.Key}}</td><td class="n">{{.Value}}</td></tr>{{end}}</table>
<table><tr><th>zone found from</th><th class="n">leads</th></tr>{{range .Zones}}<tr><td>{{.Key}}</td><td class="n">{{.Value}}</td></tr>{{end}}</table>
<table><tr><th>DNCR status of the number</th><th class="n">leads</th></tr>{{range .DNCR}}<tr><td>{{.Key}}</td><td class="n">{{.Value}}</td></tr>{{end}}</table>
<h2>Pool at the end</h2>
<table>{{range $i, $r := .Pool}}<tr>{{range $j, $c := $r}}{{if eq $i 0}}<th{{if $j}} class="n"{{end}}>{{$c}}</th>{{else}}<td{{if $j}} class="n"{{end}}>{{$c}}</td>{{end}}{{end}}</tr>
{{end}}</table>
<h2>Paused domains</h2>
<table>{{range $i, $r := .Paused}}<tr>{{range $j, $c := $r}}{{if eq $i 0}}<th>{{$c}}</th>{{else}}<td>{{$c}}</td>{{end}}{{end}}</tr>
{{end}}</table>
<table><tr><th>pool alert</th><th class="n">count</th></tr>{{range .Alerts}}<tr><td>{{.Key}}</td><td class="n">{{.Value}}</td></tr>{{else}}<tr><td>none</td></tr>{{end}}</table>
<p class="note">Generated by examples/simulate. Every touch, resource and event is in the JSON lines files next to this report.</p>
</body>
</html>
`))

// WriteHTML writes the self-contained HTML report: tables and inline SVG
// charts, no scripts, no outside resources.
func WriteHTML(w io.Writer, s *Summary) error {
	return page.Execute(w, struct {
		S                                                *Summary
		Charts                                           []Chart
		Fallbacks, Deferrals, Alerts, Tiers, Zones, DNCR []tableRow
		Skipped, Cancelled                               []tableRow
		Pool, Paused                                     grid
	}{
		S:         s,
		Charts:    []Chart{DailyChart(s), StatusChart(s), CapacityChart(s), OutcomeChart(s)},
		Fallbacks: rowsOf(s.Fallbacks), Deferrals: rowsOf(s.Deferrals), Alerts: rowsOf(s.Pool.Alerts),
		Tiers: rowsOf(s.Leads.Tiers), Zones: rowsOf(s.Leads.ZoneSources), DNCR: rowsOf(s.Leads.DNCR),
		Pool: poolGrid(s), Paused: pausedGrid(s), Skipped: rowsOf(s.Skipped), Cancelled: rowsOf(s.Cancelled),
	})
}
