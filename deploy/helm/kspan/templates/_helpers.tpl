{{- define "kspan.name" -}}kspan{{- end -}}
{{- define "kspan.fullname" -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- define "kspan.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}{{ default (include "kspan.fullname" .) .Values.serviceAccount.name }}{{- else -}}{{ default "default" .Values.serviceAccount.name }}{{- end -}}
{{- end -}}
{{- define "kspan.labels" -}}
app.kubernetes.io/name: {{ include "kspan.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}
{{- define "kspan.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kspan.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
