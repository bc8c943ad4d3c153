"""Pure text functions behind the video-meta-ai and video-prompt-generation skills.

``language`` (en/es/zh detection), ``lexicon`` (stop and generic words), ``keywords`` (key
phrases), ``chapters`` (topic segmentation of timed words), ``titles`` (titles, description,
tags, hashtags), ``prompt_words`` and ``prompts`` (text-to-video prompts and storyboards).
Nothing here touches the network, the store or the event stream: the agent modules in
``engine/agent/`` call these and turn the results into state and chat text.
"""
