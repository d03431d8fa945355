{{/* The release-qualified name of a component: ember-api, ember-scheduler, ... */}}
{{- define "ember.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ember.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* cinder.conf from .Values.conf: [DEFAULT] first, then every other section in name order. */}}
{{- define "ember.cinderConf" -}}
[DEFAULT]
{{- range $name, $value := .Values.conf.DEFAULT }}
{{ $name }} = {{ $value }}
{{- end }}
{{- range $section, $options := .Values.conf }}
{{- if ne $section "DEFAULT" }}

[{{ $section }}]
{{- range $name, $value := $options }}
{{ $name }} = {{ $value }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The pod spec parts every Ember container shares: the image, the config mount. */}}
{{- define "ember.image" -}}
image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
imagePullPolicy: {{ .Values.image.pullPolicy }}
{{- end -}}
