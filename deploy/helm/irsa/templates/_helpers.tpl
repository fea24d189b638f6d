{{- define "irsa.name" -}}
{{- .Release.Name | trunc 53 | trimSuffix "-" -}}
{{- end -}}

{{- define "irsa.labels" -}}
app.kubernetes.io/name: irsa
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "irsa.selector" -}}
app.kubernetes.io/name: irsa
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: server
{{- end -}}

{{- define "irsa.webhookSelector" -}}
app.kubernetes.io/name: irsa
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: webhook
{{- end -}}

{{- define "irsa.image" -}}
{{ .Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}
{{- end -}}

{{- define "irsa.url" -}}
https://{{ include "irsa.name" . }}.{{ .Release.Namespace }}.svc
{{- end -}}

{{- define "irsa.securityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The irsa serve container, shared by the StatefulSet (sqlite) and the Deployment (postgres). */}}
{{- define "irsa.serverContainer" -}}
- name: irsa
  image: {{ include "irsa.image" . }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  args: ["serve"]
  env:
    - {name: IRSA_DATA_DIR, value: /var/lib/irsa}
    - {name: IRSA_LISTEN, value: "0.0.0.0:8080"}
    - {name: IRSA_LISTEN_TLS, value: "0.0.0.0:8443"}
    - {name: IRSA_ACCOUNT_ID, value: {{ .Values.accountId | quote }}}
    - {name: IRSA_REGION, value: {{ .Values.region | quote }}}
    - {name: IRSA_ISSUER_URL_BASE, value: {{ default (include "irsa.url" .) .Values.issuerUrlBase | quote }}}
    - {name: IRSA_LOG_LEVEL, value: {{ .Values.logLevel | quote }}}
    {{- if .Values.tls.existingSecret }}
    - {name: IRSA_TLS_CERT, value: /etc/irsa/tls/tls.crt}
    - {name: IRSA_TLS_KEY, value: /etc/irsa/tls/tls.key}
    {{- else }}
    - name: IRSA_TLS_SANS
      value: {{ printf "%s.%s.svc,%s.%s.svc.cluster.local" (include "irsa.name" .) .Release.Namespace (include "irsa.name" .) .Release.Namespace }}{{ range .Values.tls.extraSans }},{{ . }}{{ end }}
    {{- end }}
    {{- if .Values.oidcCaBundle.configMap }}
    - {name: IRSA_OIDC_CA_BUNDLE, value: /etc/irsa/oidc-ca/{{ .Values.oidcCaBundle.key }}}
    {{- end }}
    {{- if eq .Values.store.kind "postgres" }}
    - name: IRSA_STORE
      valueFrom:
        secretKeyRef:
          name: {{ required "store.postgres.urlSecret.name is required with store.kind=postgres" .Values.store.postgres.urlSecret.name }}
          key: {{ .Values.store.postgres.urlSecret.key }}
    - {name: IRSA_STORE_POOL_SIZE, value: {{ .Values.store.postgres.poolSize | quote }}}
    {{- end }}
    {{- if .Values.masterKey.existingSecret }}
    - name: IRSA_MASTER_KEY
      valueFrom:
        secretKeyRef:
          name: {{ .Values.masterKey.existingSecret }}
          key: {{ .Values.masterKey.key }}
    {{- end }}
    {{- if .Values.admin.existingSecret }}
    - name: IRSA_ADMIN_ACCESS_KEY_ID
      valueFrom:
        secretKeyRef: {name: {{ .Values.admin.existingSecret }}, key: access-key-id}
    - name: IRSA_ADMIN_SECRET_ACCESS_KEY
      valueFrom:
        secretKeyRef: {name: {{ .Values.admin.existingSecret }}, key: secret-access-key}
    {{- end }}
  ports:
    - {name: http, containerPort: 8080}
    - {name: https, containerPort: 8443}
  startupProbe:
    httpGet: {path: /healthz, port: http}
    periodSeconds: 2
    failureThreshold: 30
  livenessProbe:
    httpGet: {path: /healthz, port: http}
    periodSeconds: 10
  readinessProbe:
    httpGet: {path: /readyz, port: http}
    periodSeconds: 5
  resources:
    {{- toYaml .Values.resources | nindent 4 }}
  securityContext:
    {{- include "irsa.securityContext" . | nindent 4 }}
  volumeMounts:
    - {name: data, mountPath: /var/lib/irsa}
    {{- if .Values.tls.existingSecret }}
    - {name: tls, mountPath: /etc/irsa/tls, readOnly: true}
    {{- end }}
    {{- if .Values.oidcCaBundle.configMap }}
    - {name: oidc-ca, mountPath: /etc/irsa/oidc-ca, readOnly: true}
    {{- end }}
{{- end -}}

{{/* Volumes of the server pod besides its data volume. */}}
{{- define "irsa.serverVolumes" -}}
{{- if .Values.tls.existingSecret }}
- name: tls
  secret:
    secretName: {{ .Values.tls.existingSecret }}
{{- end }}
{{- if .Values.oidcCaBundle.configMap }}
- name: oidc-ca
  configMap:
    name: {{ .Values.oidcCaBundle.configMap }}
{{- end }}
{{- end -}}
