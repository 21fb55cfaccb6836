/**
 * A generated compose file of the shape the speed targets are measured on: `services`
 * services, each with environment (merged from an anchor), labels, a healthcheck, ports and a
 * folded command, 20 lines per service.
 */
export function largeComposeFile(services: number): string {
  const lines = [
    'x-common: &common',
    '  restart: unless-stopped',
    '  logging:',
    '    driver: json-file',
    '    options: { max-size: "10m", max-file: "3" }',
    'x-env: &env',
    '  LOG_LEVEL: info',
    '  TZ: UTC',
    'services:',
  ];
  for (let i = 0; i < services; i++) {
    lines.push(
      `  svc${i}:`,
      '    <<: *common',
      `    image: "registry.example.com/team/app${i}:1.${i}.0"`,
      '    environment:',
      '      <<: *env',
      `      DATABASE_URL: postgres://app:\${DB_PASSWORD:-secret${i}}@db${i}:5432/app`,
      '      API_PASSWORD: ${API_PASSWORD}',
      `      PORT: ${8000 + i}`,
      '      FEATURE_FLAG: "true"',
      '    labels:',
      `      - "traefik.http.routers.svc${i}.rule=Host(\`svc${i}.example.com\`)"`,
      `      - com.example.team=team${i % 7}`,
      '    healthcheck:',
      `      test: ["CMD", "curl", "-f", "http://localhost:${8000 + i}/health"]`,
      '      interval: 30s',
      '      retries: 3',
      '    ports:',
      `      - "${10000 + i}:${8000 + i}"`,
      '    command: >-',
      `      serve --port ${8000 + i} --workers 4`,
    );
  }
  return `${lines.join('\n')}\n`;
}
