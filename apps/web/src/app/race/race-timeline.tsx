import type { AuthClientEvent } from "@/lib/use-auth-client";

export type LaneResult = { ok: boolean; message?: string };

const WIDTH = 1000;
const LABEL_WIDTH = 110;
const RIGHT_PAD = 40;
const LANE_HEIGHT = 12;
const LANE_GAP = 4;
const TOP = 34;

const COLORS = {
  ok: "#16a34a",
  expired: "#dc2626",
  failed: "#9f1239",
  wait: "#fbbf24",
  update: "#2563eb",
  grid: "#e3e6ef",
  ink: "#5b6178",
};

function niceStep(totalMs: number): number {
  const rough = totalMs / 6;
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(rough, 1)));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((step) => step >= rough) ?? magnitude * 10;
}

/**
 * One row per parallel call: its first attempt (red when the API said 401 `token_expired`), the wait
 * for the shared session update (amber), and the replay (green). The top row is the session update
 * itself; when the single-flight works there is exactly one blue bar.
 */
export function RaceTimeline({
  lanes,
  origin,
  events,
  results,
}: {
  lanes: number;
  origin: number;
  events: AuthClientEvent[];
  results: Map<number, LaneResult>;
}) {
  const ends = events.map((event) => event.endedAt - origin);
  const totalMs = Math.max(50, ...ends) * 1.04;
  const x = (t: number) => LABEL_WIDTH + ((t - origin) / totalMs) * (WIDTH - LABEL_WIDTH - RIGHT_PAD);
  const laneY = (lane: number) => TOP + (lane + 1) * (LANE_HEIGHT + LANE_GAP);
  const height = laneY(lanes) + 8;
  const step = niceStep(totalMs);
  const ticks = Array.from({ length: Math.floor(totalMs / step) + 1 }, (_, i) => i * step);
  const bar = (start: number, end: number) => ({ x: x(start), width: Math.max(2, x(end) - x(start)) });

  return (
    <svg className="timeline" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={`Timeline of ${lanes} parallel calls`}>
      {ticks.map((tick) => (
        <g key={tick}>
          <line x1={x(origin + tick)} x2={x(origin + tick)} y1={TOP - 6} y2={height} stroke={COLORS.grid} />
          <text x={x(origin + tick)} y={TOP - 12} fontSize="11" textAnchor="middle" fill={COLORS.ink}>
            {tick} ms
          </text>
        </g>
      ))}
      <text x={8} y={TOP + LANE_HEIGHT - 2} fontSize="11" fill={COLORS.update} fontWeight="700">
        session update
      </text>
      {events.map((event, index) => {
        if (event.type === "session-update") {
          return (
            <rect key={index} {...bar(event.startedAt, event.endedAt)} y={TOP} height={LANE_HEIGHT} rx={3} fill={COLORS.update} data-kind="session-update">
              <title>{`session update: ${event.outcome}, ${Math.round(event.endedAt - event.startedAt)} ms`}</title>
            </rect>
          );
        }
        if (typeof event.lane !== "number") return null;
        const y = laneY(event.lane);
        if (event.type === "wait") {
          return <rect key={index} {...bar(event.startedAt, event.endedAt)} y={y + 3} height={LANE_HEIGHT - 6} rx={2} fill={COLORS.wait} />;
        }
        const fill = event.status < 400 ? COLORS.ok : event.errorCode === "token_expired" ? COLORS.expired : COLORS.failed;
        return (
          <rect key={index} {...bar(event.startedAt, event.endedAt)} y={y} height={LANE_HEIGHT} rx={3} fill={fill} data-kind={`attempt-${event.status}`}>
            <title>{`call ${event.lane + 1}, attempt ${event.attempt}: ${event.status}${event.errorCode ? ` ${event.errorCode}` : ""}`}</title>
          </rect>
        );
      })}
      {Array.from({ length: lanes }, (_, lane) => {
        const result = results.get(lane);
        return (
          <g key={`label-${lane}`}>
            <text x={8} y={laneY(lane) + LANE_HEIGHT - 2} fontSize="11" fill={COLORS.ink}>
              call {lane + 1}
            </text>
            {result && (
              <text x={WIDTH - RIGHT_PAD + 12} y={laneY(lane) + LANE_HEIGHT - 1} fontSize="13" fontWeight="700" fill={result.ok ? COLORS.ok : COLORS.failed}>
                {result.ok ? "✓" : "✗"}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

export function TimelineLegend() {
  const items: [string, string][] = [
    [COLORS.expired, "401 token_expired"],
    [COLORS.wait, "waiting for the shared update"],
    [COLORS.update, "session update (server-side refresh)"],
    [COLORS.ok, "200 with the new token"],
    [COLORS.failed, "failed"],
  ];
  return (
    <div className="legend">
      {items.map(([color, label]) => (
        <span key={label}>
          <i style={{ background: color }} />
          {label}
        </span>
      ))}
    </div>
  );
}
